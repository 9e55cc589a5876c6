export { jestGlobalTeardown as default } from '@modelreg/testing';
