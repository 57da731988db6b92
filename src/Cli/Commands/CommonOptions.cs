using System.CommandLine;

namespace RingIpc.Cli.Commands;

/// <summary>The options and arguments several commands share.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Write JSON for scripts instead of tables." };

    public static Option<string?> Prefix() => new("--prefix") { Description = "Only rings whose names start with this." };

    public static Argument<string> RingName() => new("name") { Description = "The ring's name (as given to SharedRing.Create)." };
}
