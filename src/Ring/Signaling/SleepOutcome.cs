namespace RingIpc;

/// <summary>How one sleep on a <see cref="SharedEvent"/> (or a whole eventcount handshake) ended.</summary>
internal enum SleepOutcome
{
    /// <summary>The re-check after announcing the wait found the condition met: no sleep at all.</summary>
    ConditionMet,

    /// <summary>Woken by a signal (or spuriously: the caller re-checks either way).</summary>
    Woken,

    /// <summary>The event's word had already moved on: returned at once without sleeping.</summary>
    Changed,

    /// <summary>The sleep's time limit passed.</summary>
    TimedOut,

    /// <summary>A signal interrupted the sleep (EINTR; 32-bit Mono's GC uses signals).</summary>
    Interrupted,

    /// <summary>No kernel wait was available or it was refused: the sleep polled the word instead.</summary>
    Polled,
}
