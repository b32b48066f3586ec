import { join } from 'node:path';
import { BOOTSTRAP_FILE } from './accounts/bootstrap.js';
import { loadConfig, type Settings } from './config.js';
import { ConfigError } from './errors.js';
import { createLogger } from './logger.js';
import { startPlatform } from './platform.js';

/** Starts what the configuration asks for and stops it cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`callingscout: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(settings.LOG_LEVEL);
  const platform = await startPlatform({ settings, logger });

  if (platform.bootstrap) {
    const { tenant, keys } = platform.bootstrap;
    process.stdout.write(
      [
        '',
        `  CallingScout created the default account ${tenant.id}. Its keys are shown this once:`,
        `    test mode: ${keys.test.secret}`,
        `    live mode: ${keys.live.secret}`,
        `  (also saved to ${join(settings.CALLINGSCOUT_DATA_DIR, BOOTSTRAP_FILE)}, mode 0600)`,
        '',
        '',
      ].join('\n'),
    );
  }

  const address = await platform.listen();
  logger.info({ address, database: platform.db.kind, role: settings.CALLINGSCOUT_ROLE }, 'CallingScout is listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining and shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown grace period over; exiting');
      process.exit(1);
    }, settings.CALLINGSCOUT_SHUTDOWN_GRACE_SEC * 1000);
    force.unref();
    platform
      .close()
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `callingscout: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
