import net from "node:net";

export type TcpRelay = {
  /** `target` with its host and port replaced by the relay's. */
  url: string;
  /** Connections cut, new ones refused (the server gone, as a client sees it). */
  stop(): Promise<void>;
  /** Listening again on the same port. */
  start(): Promise<void>;
};

/** A TCP relay to the server of `target` (a postgres:// URL) that a test can stop and start again. */
export async function relayTo(target: string): Promise<TcpRelay> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const listen = (server: net.Server, at: number) => new Promise<number>((resolve) => server.listen(at, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
  const create = () =>
    net.createServer((client) => {
      const upstream = net.connect(Number(port || 5432), hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
        s.on("error", () => {});
      }
      client.pipe(upstream).pipe(client);
    });
  let server = create();
  let listening = true;
  const relayPort = await listen(server, 0);
  return {
    url: Object.assign(new URL(target), { hostname: "127.0.0.1", port: String(relayPort) }).toString(),
    async stop() {
      if (!listening) return;
      listening = false;
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
    async start() {
      server = create();
      await listen(server, relayPort);
      listening = true;
    },
  };
}
