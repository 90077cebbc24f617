/** The image of the container Redis: the major version the project supports, small. */
export const REDIS_IMAGE = "redis:7-alpine";

/** A running Redis container. */
export interface RedisContainer {
  /** `redis://HOST:PORT` as mapped on the Docker host. */
  readonly url: string;
  readonly port: number;
  /** Stops and removes the container. */
  close(): Promise<void>;
}

/**
 * Starts Redis in a container with testcontainers. Its reaper removes the container should this
 * process die before `close()`. Imported on demand, so machines without Docker never load it.
 */
export async function startRedisContainer(): Promise<RedisContainer> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const container = await new GenericContainer(REDIS_IMAGE)
    .withExposedPorts(6379)
    .withCommand(["redis-server", "--save", "", "--appendonly", "no"])
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
    .start();
  const port = container.getMappedPort(6379);
  return {
    url: `redis://${container.getHost()}:${port}`,
    port,
    close: async () => {
      await container.stop();
    },
  };
}
