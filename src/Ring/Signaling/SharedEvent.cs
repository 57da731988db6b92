using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace RingIpc.Signaling;

/// <summary>
/// A named event between processes, built on a 32-bit sequence word in the shared section: a waiter
/// sleeps only while the word still holds the value it read, and <see cref="Signal"/> advances the word
/// before it wakes, so a signal between the read and the sleep is never lost.
/// </summary>
/// <remarks>
/// Linux: futex wait/wake on the word itself (<see cref="FutexEvent"/>). Windows: a named auto-reset
/// event <c>Local\RingIpc.&lt;ring&gt;@&lt;purpose&gt;</c> (<see cref="WindowsEvent"/>). macOS:
/// <c>os_sync_wait_on_address</c> where present, else a bounded sleep-poll (<see cref="PollingEvent"/>).
/// </remarks>
internal abstract unsafe class SharedEvent : IDisposable
{
    protected SharedEvent(int* sequence)
    {
        Sequence = sequence;
    }

    /// <summary>The sequence word in shared memory.</summary>
    public int* Sequence { get; }

    /// <summary>The event for the word <paramref name="sequence"/> of ring <paramref name="ringName"/>.</summary>
    public static SharedEvent Create(string ringName, string purpose, int* sequence)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return Interop.Futex.IsSupported ? new FutexEvent(sequence) : new PollingEvent(sequence);
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
#pragma warning disable CA1416 // guarded by the OS check above
            return new WindowsEvent(ringName, purpose, sequence);
#pragma warning restore CA1416
        }

        return MacAddressEvent.IsAvailable ? new MacAddressEvent(sequence) : new PollingEvent(sequence);
    }

    /// <summary>The current value of the sequence word, to pass to <see cref="Wait"/>.</summary>
    public int Read() => Atomics.LoadAcquire(Sequence);

    /// <summary>
    /// Sleeps until the event is signaled after <paramref name="observed"/> was read, for at most
    /// <paramref name="timeoutMs"/>. May return early (spurious wake-up): the caller re-checks its condition.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public void Wait(int observed, int timeoutMs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Read() != observed)
        {
            return;
        }

        if (!cancellationToken.CanBeCanceled)
        {
            Sleep(observed, timeoutMs, cancellationToken);
            return;
        }

        // The registration wakes this sleeper (and, harmlessly, any other) when the token is cancelled.
        using (cancellationToken.Register(static state => ((SharedEvent)state!).WakeForCancellation(), this))
        {
            Sleep(observed, timeoutMs, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Advances the sequence word, then wakes every waiter.</summary>
    public void Signal()
    {
        Atomics.Increment(Sequence);
        Wake();
    }

    public virtual void Dispose()
    {
    }

    /// <summary>Sleeps while the word equals <paramref name="observed"/>, at most <paramref name="timeoutMs"/>.</summary>
    protected abstract void Sleep(int observed, int timeoutMs, CancellationToken cancellationToken);

    /// <summary>Wakes every sleeper.</summary>
    protected abstract void Wake();

    /// <summary>Wakes sleepers so that a cancelled one notices. The default advances the word too, so that a
    /// waiter about to sleep does not sleep at all; the others wake spuriously and re-check, which is harmless.</summary>
    protected virtual void WakeForCancellation() => Signal();
}
