// `ws` ships no types and this package needs only its classes, which the
// code that uses them describes itself (nothing public names them).
declare module 'ws' {
  export const WebSocket: unknown;
  export const WebSocketServer: unknown;
}
