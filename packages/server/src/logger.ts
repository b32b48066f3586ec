import pino, { type Logger } from 'pino';

/** JSON lines on stdout. Authorization headers and key secrets never reach a log line. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'callingscout' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        'secret',
        '*.secret',
        'keys.*.secret',
        'api_key',
        '*.api_key',
      ],
      censor: '****',
    },
  });
}
