namespace RingIpc;

/// <summary>How many producers a ring serves.</summary>
public enum RingKind
{
    /// <summary>One producer, one consumer: the producer reserves space with plain stores.</summary>
    Spsc = 1,

    /// <summary>Many producers (threads or processes), one consumer: producers reserve space with a compare-and-swap.</summary>
    Mpsc = 2,
}
