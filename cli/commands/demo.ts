import { createLogger } from '../../shared/logger.js';
import { flagOrEnv, intOption, parse } from '../args.js';
import { runParts, type Part } from '../../shared/lifecycle.js';
import { createDemo } from '../demo/demo.js';
import { systemdPart } from '../roles/systemd-part.js';

/** `doorplate demo`: flags, each also as a DOORPLATE_* variable. */
export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    'http-port': { type: 'string' },
    'mqtt-port': { type: 'string' },
    data: { type: 'string' },
    rooms: { type: 'string' },
    host: { type: 'string' },
  });
  // The banner is what a person reads; logs stay quiet unless asked for.
  process.env.DOORPLATE_LOG_LEVEL ??= 'warn';
  const log = createLogger('demo');
  const opts = {
    httpPort: intOption('http-port', flagOrEnv(values['http-port'], 'DOORPLATE_HTTP_PORT'), 8080),
    mqttPort: intOption('mqtt-port', flagOrEnv(values['mqtt-port'], 'DOORPLATE_MQTT_PORT'), 1883),
    dataDir: flagOrEnv(values.data, 'DOORPLATE_DATA') ?? './data',
    rooms: intOption('rooms', flagOrEnv(values.rooms, 'DOORPLATE_ROOMS'), 3, 1, 500),
    host: flagOrEnv(values.host, 'DOORPLATE_HOST') ?? '127.0.0.1',
  };
  const demo = await createDemo({ ...opts, logger: log });
  const banner: Part = {
    name: 'banner',
    start() {
      const port = demo.server.mqttPort;
      process.stdout.write(
        [
          '',
          'doorplate demo is running',
          `  Panels (live, with buttons): ${demo.url}/demo`,
          `  Admin page:                  ${demo.url}/   (sign in with the admin token below)`,
          `  Prometheus metrics:          ${demo.url}/metrics   (Grafana dashboard: docs/grafana-dashboard.json)`,
          `  MQTT broker:                 ${demo.mqttUrl}`,
          `      try: mosquitto_sub -h 127.0.0.1 -p ${port} -t 'doorplate/#' -v`,
          `  Home Assistant:              MQTT discovery on this broker, user homeassistant, password ${demo.homeAssistantPassword}`,
          `      try: mosquitto_sub -h 127.0.0.1 -p ${port} -u homeassistant -P ${demo.homeAssistantPassword} -t 'homeassistant/#' -v`,
          `  Admin token:                 ${demo.adminToken}`,
          `      (also in ${opts.dataDir.replace(/\/$/, '')}/admin-token)`,
          '  Stop with Ctrl-C.',
          '',
        ].join('\n') + '\n',
      );
    },
    stop() {},
  };
  return runParts({ log, parts: [...demo.parts, banner, systemdPart('demo running')] });
}
