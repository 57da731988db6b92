namespace RingIpc;

/// <summary>What <see cref="SharedRing.Create(string, RingOptions?)"/> does when the name is taken by a stale ring:
/// one whose creator and every endpoint are dead (<see cref="RingStatus.IsStale"/>).</summary>
public enum StaleRingReplacement
{
    /// <summary>Never replace: <c>Create</c> of a taken name throws <see cref="System.IO.IOException"/> (the default).</summary>
    Never,

    /// <summary>Replace a stale ring that holds no unread message; one that does is kept, and <c>Create</c> throws.</summary>
    IfNoUnreadMessages,

    /// <summary>Replace a stale ring even if it holds unread messages, which are lost with it.</summary>
    EvenWithUnreadMessages,
}
