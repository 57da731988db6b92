using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace RingIpc;

/// <summary>macOS 14.4+: <c>os_sync_wait_on_address</c> with the shared flag on the sequence word.</summary>
internal sealed unsafe class MacAddressEvent : SharedEvent
{
    private const uint SharedFlag = 1;           // OS_SYNC_WAIT_ON_ADDRESS_SHARED / OS_SYNC_WAKE_BY_ADDRESS_SHARED
    private const uint MachAbsoluteTimeClock = 32; // OS_CLOCK_MACH_ABSOLUTE_TIME

    private static readonly Lazy<bool> Available = new(Probe);

    public MacAddressEvent(SharedInt32 sequence)
        : base(sequence)
    {
    }

    public static bool IsAvailable => Available.Value;

    protected override SleepOutcome Sleep(int observed, int timeoutMs, CancellationToken cancellationToken) =>
        WaitOnAddress(Sequence.Address, (ulong)(uint)observed, 4, SharedFlag, MachAbsoluteTimeClock, (ulong)timeoutMs * 1_000_000) >= 0
            ? SleepOutcome.Woken
            : SleepOutcome.TimedOut; // ETIMEDOUT, or EINTR/EFAULT: the caller re-checks either way

    protected override void Wake() => WakeAll(Sequence.Address, 4, SharedFlag);

    [DllImport("libSystem.dylib", EntryPoint = "os_sync_wait_on_address_with_timeout")]
    private static extern int WaitOnAddress(void* address, ulong value, nuint size, uint flags, uint clock, ulong timeoutNs);

    [DllImport("libSystem.dylib", EntryPoint = "os_sync_wake_by_address_all")]
    private static extern int WakeAll(void* address, nuint size, uint flags);

    private static bool Probe()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
        {
            return false;
        }

        try
        {
            int word = 0;
            WakeAll(&word, 4, SharedFlag);
            return true;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
    }
}
