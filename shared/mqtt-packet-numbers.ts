import { writeToStream } from 'mqtt-packet';

/**
 * The MQTT packet writer (shared by mqtt.js and aedes) keeps by default a Buffer for each of the
 * 65,536 two-byte numbers it may write (packet ids, lengths): 6.5 MB of heap in every process
 * that sends a packet, the edge agent included. Off, each number is written as it comes, a
 * two-byte allocation per packet. Called by every MQTT adapter before its first packet.
 */
export function writePacketNumbersUncached(): void {
  writeToStream.cacheNumbers = false;
}
