module.exports = require('./reliability-summary.cjs').setup;
