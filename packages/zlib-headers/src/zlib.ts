/** zlib's flush values and status codes (zlib.h), as pako's low-level port uses them. */
export const Z_SYNC_FLUSH = 2;
export const Z_OK = 0;
export const Z_STREAM_END = 1;
export const Z_NEED_DICT = 2;
export const Z_BUF_ERROR = -5;
export const Z_DEFLATED = 8;
export const Z_DEFAULT_STRATEGY = 0;
