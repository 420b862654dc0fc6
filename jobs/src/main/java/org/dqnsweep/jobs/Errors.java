package org.dqnsweep.jobs;

import org.dqnsweep.config.ConfigException;
import org.dqnsweep.env.Roms;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns expected user errors (bad config, missing ROM) into one clear line and exit code 2; anything else is a bug
 * and keeps its stack trace.
 */
final class Errors implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    if (e instanceof ConfigException || e instanceof Roms.RomNotFoundException) {
      cmd.getErr().println("error: " + e.getMessage());
      return 2;
    }
    e.printStackTrace(cmd.getErr());
    return 1;
  }
}
