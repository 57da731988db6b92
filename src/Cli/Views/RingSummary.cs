using System.Linq;

namespace RingIpc.Cli.Views;

/// <summary>One row of <c>ls</c>: a ring's kind, size, fill and endpoints — or why it could not be read.</summary>
internal sealed record RingSummary(
    string Name,
    string State,
    string? Kind,
    int? Capacity,
    long? UsedBytes,
    double? FillPercent,
    int? UnreadMessages,
    bool? ConsumerAlive,
    int? Producers,
    int? ProducersAlive,
    bool? CreatorAlive,
    string? Error)
{
    /// <summary>State of a ring in use.</summary>
    public const string Live = "live";

    /// <summary>State of a ring whose creator and endpoints are all dead.</summary>
    public const string Stale = "stale";

    /// <summary>State of a name that holds no valid ring.</summary>
    public const string Corrupt = "corrupt";

    /// <summary>State of a name that went away while it was listed, or may not be opened.</summary>
    public const string Unreadable = "unreadable";

    public static RingSummary From(RingStatus status) => new(
        status.Name,
        status.IsStale ? Stale : Live,
        status.Kind.ToString().ToLowerInvariant(),
        status.Capacity,
        status.UsedBytes,
        Fill.Percent(status.UsedBytes, status.Capacity),
        status.UnreadMessages,
        status.Consumer?.IsAlive,
        status.Producers.Count,
        status.Producers.Count(p => p.IsAlive),
        status.CreatorIsAlive,
        null);

    public static RingSummary Failed(string name, string state, string error) =>
        new(name, state, null, null, null, null, null, null, null, null, null, error);
}
