import { packageJestConfig } from '../../jest.package.base';

export default packageJestConfig('fake-ec2');
