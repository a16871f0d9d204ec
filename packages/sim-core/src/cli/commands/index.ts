/**
 * The registry of `lab` subcommands: one module each, in the order `lab --help` lists them.
 * To add one, write `commands/<name>.ts` exporting `register: RegisterCommand` and list it here.
 */
import type { RegisterCommand } from '../io';
import { register as run } from './run';
import { register as flow } from './flow';
import { register as serve } from './serve';
import { register as record } from './record';
import { register as etcd } from './etcd';
import { register as proxyRules } from './proxy-rules';
import { register as packetWalk } from './packet-walk';
import { register as vxlan } from './vxlan';
import { register as schedule } from './schedule';
import { register as whatIf } from './what-if';

export const commands: RegisterCommand[] = [run, flow, serve, record, etcd, proxyRules, packetWalk, vxlan, schedule, whatIf];
