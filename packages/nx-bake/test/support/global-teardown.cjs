module.exports = require('./reliability-summary.cjs').teardown;
