using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace RingIpc;

/// <summary>
/// A named event between processes, built on a 32-bit sequence word in shared memory: a waiter sleeps only
/// while the word still holds the value it read, and <see cref="Signal"/> advances the word before it wakes,
/// so a signal between the read and the sleep is never lost. It knows nothing of what the word guards.
/// </summary>
/// <remarks>
/// Linux: futex wait/wake on the word itself (<see cref="FutexEvent"/>). Windows: a named auto-reset
/// event <c>Local\RingIpc.&lt;owner&gt;@&lt;purpose&gt;</c> (<see cref="WindowsEvent"/>). macOS:
/// <c>os_sync_wait_on_address</c> where present, else a bounded sleep-poll (<see cref="PollingEvent"/>).
/// </remarks>
internal abstract unsafe class SharedEvent : IDisposable
{
    protected SharedEvent(SharedInt32 sequence)
    {
        Sequence = sequence;
    }

    /// <summary>The sequence word in shared memory.</summary>
    public SharedInt32 Sequence { get; }

    /// <summary>The event for the word <paramref name="sequence"/>; <paramref name="ownerName"/> and
    /// <paramref name="purpose"/> name it where the platform needs a named kernel object.</summary>
    public static SharedEvent Create(string ownerName, string purpose, SharedInt32 sequence)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return Futex.IsSupported ? new FutexEvent(sequence) : new PollingEvent(sequence);
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
#pragma warning disable CA1416 // guarded by the OS check above
            return new WindowsEvent(ownerName, purpose, sequence);
#pragma warning restore CA1416
        }

        return MacAddressEvent.IsAvailable ? new MacAddressEvent(sequence) : new PollingEvent(sequence);
    }

    /// <summary>The current value of the sequence word, to pass to <see cref="Wait"/>.</summary>
    public int Read() => Sequence.LoadAcquire();

    /// <summary>
    /// Sleeps until the event is signaled after <paramref name="observed"/> was read, for at most
    /// <paramref name="timeoutMs"/>. May return early (spurious wake-up): the caller re-checks its condition.
    /// </summary>
    /// <returns>How the sleep ended.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public SleepOutcome Wait(int observed, int timeoutMs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Read() != observed)
        {
            return SleepOutcome.Changed;
        }

        if (!cancellationToken.CanBeCanceled)
        {
            return Sleep(observed, timeoutMs, cancellationToken);
        }

        SleepOutcome outcome;

        // The registration wakes this sleeper (and, harmlessly, any other) when the token is cancelled.
        using (cancellationToken.Register(static state => ((SharedEvent)state!).WakeForCancellation(), this))
        {
            outcome = Sleep(observed, timeoutMs, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return outcome;
    }

    /// <summary>Advances the sequence word, then wakes every waiter.</summary>
    public void Signal()
    {
        Sequence.Increment();
        Wake();
    }

    public virtual void Dispose()
    {
    }

    /// <summary>Sleeps while the word equals <paramref name="observed"/>, at most <paramref name="timeoutMs"/>.</summary>
    protected abstract SleepOutcome Sleep(int observed, int timeoutMs, CancellationToken cancellationToken);

    /// <summary>Wakes every sleeper.</summary>
    protected abstract void Wake();

    /// <summary>Wakes sleepers so that a cancelled one notices. The default advances the word too, so that a
    /// waiter about to sleep does not sleep at all; the others wake spuriously and re-check, which is harmless.</summary>
    protected virtual void WakeForCancellation() => Signal();
}
