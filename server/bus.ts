import type { ParamsOf, PayloadOf, TopicName } from '../shared/api/topics.js';

/**
 * The server's side of the MQTT contract, whatever broker is behind it. Payloads are encoded
 * and validated by shared/api; handlers get the raw bytes and decode them themselves so a
 * malformed message is refused where its meaning is known.
 */
export interface ServerBus {
  publish<N extends TopicName>(name: N, params: ParamsOf<N>, payload: PayloadOf<N>): Promise<void>;
  /** Removes a retained message (an empty retained publish). */
  clearRetained<N extends TopicName>(name: N, params: ParamsOf<N>): Promise<void>;
  subscribe<N extends TopicName>(
    name: N,
    params: Partial<ParamsOf<N>>,
    handler: (params: Record<string, string>, payload: Buffer) => void,
  ): Promise<unknown>;
}
