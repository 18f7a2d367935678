export { instrument, uninstrument, type InstrumentOptions } from './instrument.js';
export { templatePath } from './path-template.js';
