using System.Globalization;

namespace RingIpc.Cli.Views;

/// <summary>The one line that says whether an uncommitted claim blocks the head, whose, and for how long.</summary>
internal static class HeadBlockView
{
    public static string Describe(HeadBlockReport? block) => block is null
        ? "not blocked"
        : string.Create(CultureInfo.InvariantCulture,
            $"BLOCKED for at least {block.BlockedForSeconds:0.0} s by an uncommitted claim of pid {block.Pid} (slot {block.Slot}, {(block.Alive ? "alive: stalled" : "dead: the consumer revokes it")}) at position {block.Position}");
}
