/** @module Entry point of the `auditlog` command: parse, run, and turn coded errors into messages. */
import { isAuditlogError } from '../errors.ts';
import { buildProgram } from './program.ts';

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (isAuditlogError(error)) {
    console.error(`auditlog: ${error.code}: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
