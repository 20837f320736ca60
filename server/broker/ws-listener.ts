import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';

/**
 * MQTT over WebSocket (subprotocol `mqtt`, any path), for browsers and MQTT Explorer: each
 * WebSocket becomes a byte stream handed to the broker's own accept path, so logins and access
 * rules are the same as on TCP. The stream carries the peer's address as a socket would.
 */
export interface WsListener {
  port: number;
  close(): Promise<void>;
}

export async function listenWebSocket(host: string, port: number, accept: (stream: Duplex & { remoteAddress?: string }) => void): Promise<WsListener> {
  const http: Server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n');
  });
  // No compression: MQTT payloads are small, and deflate state costs memory per connection.
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false) });
  wss.on('connection', (ws, req: IncomingMessage) => {
    const stream = createWebSocketStream(ws) as Duplex & { remoteAddress?: string };
    stream.remoteAddress = req.socket.remoteAddress;
    stream.on('error', () => ws.terminate());
    accept(stream);
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (err) => reject(new Error(`broker.ws: cannot listen on ${host}:${port} (${err.message})`, { cause: err })));
    http.listen(port, host, () => resolve());
  });
  return {
    port: (http.address() as AddressInfo).port,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
