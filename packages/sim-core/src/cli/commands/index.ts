/**
 * The registry of `lab` subcommands: one module each, in the order `lab --help` lists them.
 * To add one, write `commands/<name>.ts` exporting `register: RegisterCommand` and list it here.
 */
import type { RegisterCommand } from '../io';
import { register as run } from './run';
import { register as flow } from './flow';
import { register as serve } from './serve';
import { register as record } from './record';

export const commands: RegisterCommand[] = [run, flow, serve, record];
