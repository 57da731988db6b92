using System;
using System.CommandLine;
using System.IO;
using RingIpc.Cli.Commands;
using RingIpc.Cli.Output;

namespace RingIpc.Cli;

/// <summary><c>ringipc</c>: list, inspect, watch, delete and reclaim RingIpc rings.</summary>
public static class Program
{
    /// <summary>The tool's entry point.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs one command line, writing to <paramref name="output"/> and <paramref name="error"/>; returns the
    /// exit code (see the README's CLI section).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var cli = new CliOutput(output, error);
        var root = new RootCommand("ringipc: list, inspect, watch and reclaim RingIpc shared-memory rings.")
        {
            ListCommand.Create(cli),
            StatCommand.Create(cli),
            WatchCommand.Create(cli),
            RemoveCommand.Create(cli),
            GcCommand.Create(cli),
        };
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
