using System.Runtime.CompilerServices;
using System.Threading;
#if NET
using System.Runtime.Intrinsics.X86;
#endif

namespace RingIpc;

/// <summary>
/// One CPU pause between two polls of a spinning wait: <c>pause</c> on x86 (measured here, AMD EPYC under a
/// hypervisor: ~19 ns), <see cref="Thread.SpinWait(int)"/> with one iteration elsewhere and on .NET Framework/Mono
/// (~40 ns here). One pause, not several: the poll after it sees a peer's store as soon as it arrives, and the
/// round trip of two spinning processes is not floored by the pause (<c>Thread.SpinWait(4)</c>, ~150 ns here, was).
/// </summary>
internal static class CpuPause
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Once()
    {
#if NET
        if (X86Base.IsSupported)
        {
            X86Base.Pause();
            return;
        }
#endif
        Thread.SpinWait(1);
    }
}
