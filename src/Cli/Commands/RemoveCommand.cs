using System.CommandLine;
using RingIpc.Cli.Output;

namespace RingIpc.Cli.Commands;

/// <summary><c>ringipc rm NAME</c>: deletes a ring's name and files (SharedRing.Delete). Processes that have it open
/// keep their mapping until they dispose of it; a new ring may be created under the name at once.</summary>
internal static class RemoveCommand
{
    /// <summary>The JSON of <c>rm --json</c>.</summary>
    internal sealed record Result(string Name, bool Deleted, int LiveEndpoints);

    public static Command Create(CliOutput output)
    {
        Argument<string> name = CommonOptions.RingName();
        Option<bool> json = CommonOptions.Json();
        var command = new Command("rm", "Delete a ring (endpoints still attached keep their mapping until they dispose of it).") { name, json };
        command.SetAction(parse => Run(output, parse.GetValue(name)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliOutput output, string name, bool json)
    {
        int live = LiveEndpoints(name);
        bool deleted;
        try
        {
            deleted = SharedRing.Delete(name);
        }
        catch (System.Exception exception) when (RingOpening.Classify(exception, out int code, out string message))
        {
            return output.Fail(code, $"ring '{name}': {message}");
        }

        if (!deleted)
        {
            return output.Fail(ExitCodes.NotFound, $"ring '{name}': not found");
        }

        if (json)
        {
            output.Json(new Result(name, deleted, live));
        }
        else
        {
            output.Writer.WriteLine(live == 0 ? $"deleted '{name}'" : $"deleted '{name}'; {live} live endpoint(s) keep their mapping until they dispose of it");
        }

        return ExitCodes.Success;
    }

    /// <summary>The live endpoints of a valid ring under the name (0 for anything else: it is deleted all the same).</summary>
    private static int LiveEndpoints(string name)
    {
        try
        {
            using SharedRing ring = SharedRing.Open(name);
            RingStatus status = ring.GetStatus();
            int live = status.Consumer?.IsAlive == true ? 1 : 0;
            foreach (RingEndpointStatus producer in status.Producers)
            {
                live += producer.IsAlive ? 1 : 0;
            }

            return live;
        }
        catch (System.Exception exception) when (RingOpening.Classify(exception, out _, out _))
        {
            return 0;
        }
    }
}
