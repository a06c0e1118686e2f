// Stands in for the captureStackTrace of cdktf and constructs (jest.config.js moduleNameMapper). They record a full
// stack trace, formatted at once, for every token and metadata entry they create; under jest every frame goes
// through its source-map formatter, which cost ~4 s of the suite's CPU. The traces only decorate cdktf's own
// error messages; `npm run synth` skips them too (withoutTokenStackTraces in app/synthesize.ts).
module.exports = { captureStackTrace: () => [] };
