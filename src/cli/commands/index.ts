import type { Command } from '../command';
import { phantomCommand } from './phantom';
import { segmentCommand } from './segment';
import { doseRateCommand } from './doseRate';
import { pushCommand } from './push';
import { pullCommand } from './pull';
import { planCommand } from './plan';
import { checkTrajectoryCommand } from './checkTrajectory';
import { suggestTrajectoryCommand } from './suggestTrajectory';

/** Every `pvpi` subcommand, in the order `pvpi --help` lists them. Add one import and one entry per command. */
export const commands: Command[] = [phantomCommand, segmentCommand, doseRateCommand, pushCommand, pullCommand, checkTrajectoryCommand, suggestTrajectoryCommand, planCommand];
