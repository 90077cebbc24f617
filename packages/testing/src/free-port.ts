import { createServer } from "node:net";

/** Asks the kernel for a TCP port that is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the port of a listening socket"));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}
