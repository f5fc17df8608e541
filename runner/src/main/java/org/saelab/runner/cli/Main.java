package org.saelab.runner.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import org.saelab.runner.config.ConfigErrors;
import org.saelab.runner.train.TrainingException;
import org.saelab.runner.wiring.PluginException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code saelab} command line. */
@Command(name = "saelab", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Sparse autoencoders on toy models whose true features are known.",
        subcommands = {ListCommand.class, RunCommand.class, ReportCommand.class, BenchCommand.class, DiffCommand.class,
                LoadCommand.class, EvalCommand.class, SampleCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code of a run that failed while running. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of bad input: configuration, names, paths; nothing was run. */
    public static final int EXIT_USAGE = 2;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "print stack traces of errors")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs the CLI with the given streams; returns the exit code. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        String kernels = org.saelab.api.Kernels.propertyError();
        if (kernels != null) {
            err.println("error: " + kernels);
            return EXIT_USAGE;
        }
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            err.println("error: " + message(exception));
            if (main.debug) {
                exception.printStackTrace(err);
            }
            return exitCode(exception);
        });
        commandLine.setParameterExceptionHandler((exception, args1) -> {
            err.println("error: " + exception.getMessage());
            return EXIT_USAGE;
        });
        return commandLine.execute(args);
    }

    private static String message(Exception e) {
        String message = e.getMessage();
        return message == null ? e.toString() : message;
    }

    private static int exitCode(Exception e) {
        if (e instanceof ConfigErrors || e instanceof IllegalArgumentException || e instanceof PluginException
                || e instanceof UsageException) {
            return EXIT_USAGE;
        }
        if (e instanceof TrainingException) {
            return EXIT_FAILURE;
        }
        return EXIT_FAILURE;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"saelab " + org.saelab.runner.output.ProvenanceInfo.projectVersion()};
        }
    }
}
