import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface Received {
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

/**
 * A real SMTP peer in process (smtp-server) on a loopback port: keeps what arrives, parsed with
 * mailparser. `refuse` answers 550 to the addresses named; `down()` and `up()` stop and start
 * listening on the same port, as an SMTP server that goes away and comes back.
 */
export class SmtpSink {
  readonly received: Received[] = [];
  readonly refuse = new Set<string>();
  /** Addresses answered 451 (try again later). */
  readonly busy = new Set<string>();
  /** RCPT TO commands seen, refused or not. */
  rcptSeen = 0;
  port = 0;
  private server: SMTPServer | null = null;

  constructor(private readonly extra: Partial<SMTPServerOptions> = {}) {}

  private make(): SMTPServer {
    return new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (addr, _session, cb) => {
        this.rcptSeen++;
        if (this.busy.has(addr.address)) {
          const err = new Error('4.3.2 try again later') as Error & { responseCode: number };
          err.responseCode = 451;
          cb(err);
        } else if (this.refuse.has(addr.address)) {
          const err = new Error('5.1.1 no such user here') as Error & { responseCode: number };
          err.responseCode = 550;
          cb(err);
        } else cb();
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then(
            (parsed) => {
              this.received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw, parsed });
              cb();
            },
            (e: Error) => cb(e),
          );
        });
      },
      ...this.extra,
    });
  }

  async up(): Promise<void> {
    const server = this.make();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const addr = (server as unknown as { server: { address(): { port: number } } }).server.address();
    this.port = addr.port;
  }

  async down(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
