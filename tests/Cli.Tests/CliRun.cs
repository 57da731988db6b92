using System.IO;
using System.Text.Json;

namespace RingIpc.Cli.Tests;

/// <summary>One in-process run of the CLI: its exit code, standard output and standard error.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Of(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = Program.Run(args, output, error);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Standard output parsed as JSON.</summary>
    public JsonElement Json => JsonDocument.Parse(Output).RootElement;
}
