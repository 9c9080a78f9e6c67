import { pino } from 'pino';

/**
 * Structured logger used throughout Flotilla: pino's interface, a child per
 * component and key. Pass your own pino instance to any component.
 */
export type Logger = pino.Logger;

/** A logger that writes nothing: the default in library code and tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A JSON logger on stdout at the given level. */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({ level: options.level ?? 'info', name: options.name });
}
