using System.Threading;
using RingIpc.Interop;

namespace RingIpc.Signaling;

/// <summary>Linux: a shared futex on the sequence word.</summary>
internal sealed unsafe class FutexEvent : SharedEvent
{
    public FutexEvent(int* sequence)
        : base(sequence)
    {
    }

    protected override void Sleep(int observed, int timeoutMs, CancellationToken cancellationToken)
    {
        // EAGAIN (the word moved on), ETIMEDOUT, EINTR and wake-ups all return to the caller, which re-checks.
        Futex.Wait(Sequence, observed, timeoutMs);
    }

    protected override void Wake() => Futex.WakeAll(Sequence);
}
