using System;
using System.Threading;

namespace RingIpc;

/// <summary>Windows: a named auto-reset event, <c>Local\RingIpc.&lt;owner&gt;@&lt;purpose&gt;</c> ('@' cannot occur in
/// a ring name, so no ring's section or event can collide with it).</summary>
#if NET
[System.Runtime.Versioning.SupportedOSPlatform("windows")]
#endif
internal sealed class WindowsEvent : SharedEvent
{
    private readonly EventWaitHandle _event;

    public WindowsEvent(string ownerName, string purpose, SharedInt32 sequence)
        : base(sequence)
    {
        _event = new EventWaitHandle(false, EventResetMode.AutoReset, $@"Local\RingIpc.{ownerName}@{purpose}");
    }

    public override void Dispose() => _event.Dispose();

    protected override SleepOutcome Sleep(int observed, int timeoutMs, CancellationToken cancellationToken)
    {
        bool signaled = cancellationToken.CanBeCanceled
            ? WaitHandle.WaitAny(new[] { _event, cancellationToken.WaitHandle }, timeoutMs) != WaitHandle.WaitTimeout
            : _event.WaitOne(timeoutMs);
        return signaled ? SleepOutcome.Woken : SleepOutcome.TimedOut;
    }

    protected override void Wake()
    {
        try
        {
            _event.Set();
        }
        catch (ObjectDisposedException)
        {
            // The ring was disposed: nothing of this mapping sleeps on the event any more.
        }
    }

    // WaitAny above already watches the token.
    protected override void WakeForCancellation()
    {
    }
}
