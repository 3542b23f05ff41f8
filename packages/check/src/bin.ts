#!/usr/bin/env node
/**
 * The `simloop` executable: runs {@link main} with the process's arguments and sets the exit code.
 *
 * @module
 */
import { main } from "./cli.ts";

process.exitCode = await main(process.argv.slice(2));
