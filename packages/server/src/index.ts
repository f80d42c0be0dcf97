export { createServer, SpdyServer, type SpdyServerEvents } from './server.js';
export { SpdyConnection } from './connection.js';
export { SpdyIncomingMessage } from './request.js';
export { SpdyServerResponse, SpdyPushStream, type PushOptions } from './response.js';
export { BaseSPDYRequestHandler, isHandlerClass, type HandlerClass } from './base-handler.js';
export { startCluster, type ClusterOptions, type ClusterPrimary, type ClusterWorker } from './cluster.js';
export { DEFAULT_PROTOCOLS, DEFAULTS, type ServerOptions, type SessionPassthrough } from './options.js';
export { describeTrace, type DataFrameInfo, type FrameTrace } from './trace.js';
export type { Handler, Http1Request, Http1Response, NodeRequestListener, RequestListener, ServerRequest, ServerResponse } from './types.js';
