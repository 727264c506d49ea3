export { type FixtureName, fixtureNames, fixturePath, readFixture } from './fixtures.js';
export { type MediaServer, startMediaServer } from './media-server.js';
export { makeSampleImage, makeVideoHeader, type SampleImageFormat } from './sample-media.js';
