// `@openrtc/nestjs/terminus`: needs `@nestjs/terminus` (an optional peer), so it is not in the main entry.
export { OpenRtcHealthIndicator } from './openrtc.health-indicator.js';
