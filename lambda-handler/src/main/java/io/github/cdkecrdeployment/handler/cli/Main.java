package io.github.cdkecrdeployment.handler.cli;

/** Command-line entry point. */
public final class Main {
  private Main() {}

  /**
   * Runs the command line.
   *
   * @param args arguments
   */
  public static void main(String[] args) {
    System.exit(2);
  }
}
