using System.CommandLine;
using RingIpc.Cli.Output;
using RingIpc.Cli.Views;

namespace RingIpc.Cli.Commands;

/// <summary><c>ringipc stat NAME</c>: one ring's configuration, fill, endpoints with liveness and counters, and the claim
/// blocking its head if any.</summary>
internal static class StatCommand
{
    public static Command Create(CliOutput output)
    {
        Argument<string> name = CommonOptions.RingName();
        Option<bool> json = CommonOptions.Json();
        var command = new Command("stat", "Show one ring: kind, capacity, fill, endpoints (alive or dead) and their counters, and who blocks the head.")
        {
            name, json,
        };
        command.SetAction(parse => Run(output, parse.GetValue(name)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliOutput output, string name, bool json)
    {
        using SharedRing? ring = RingOpening.TryOpen(output, name, out int exitCode);
        if (ring is null)
        {
            return exitCode;
        }

        StatusReport status = StatusReport.From(ring.GetStatus());
        if (json)
        {
            output.Json(status);
        }
        else
        {
            output.Console.Write(StatusView.Ring(status));
            output.Console.Write(StatusView.Endpoints(status));
        }

        return ExitCodes.Success;
    }
}
