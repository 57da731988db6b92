using System;
using System.Runtime.InteropServices;

namespace RingIpc;

/// <summary>
/// The pid namespace this process lives in, so that a process id recorded in a section is only ever judged by a
/// process that sees the same pids (<see cref="EndpointSlot.IsHeldByDeadProcess"/>).
/// </summary>
/// <remarks>Linux names a process's pid namespace by the inode of <c>/proc/self/ns/pid</c>, a symbolic link whose
/// target reads <c>pid:[4026531836]</c>. Two processes in different containers with their own pid namespaces share
/// a ring only through a bind-mounted <c>/dev/shm</c>; a pid from one means nothing in the other, so a consumer must
/// not take a producer there for dead and revoke its claim. 0 means unknown (not Linux, or <c>/proc</c> unreadable).</remarks>
internal static class PidNamespace
{
    /// <summary>This process's pid namespace id, or 0 if unknown; read once.</summary>
    public static long Current { get; } = Read();

    private static unsafe long Read()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return 0;
        }

        try
        {
            byte* target = stackalloc byte[64];
            nint length = LibC.ReadLink("/proc/self/ns/pid", target, 64);
            return length > 0 && length < 64 ? Parse(new ReadOnlySpan<byte>(target, (int)length)) : 0;
        }
        catch (EntryPointNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>The number in <c>pid:[N]</c>, or 0 if the text is anything else.</summary>
    internal static long Parse(ReadOnlySpan<byte> target)
    {
        ReadOnlySpan<byte> prefix = "pid:["u8;
        if (!target.StartsWith(prefix) || target.Length < prefix.Length + 2 || target[target.Length - 1] != (byte)']')
        {
            return 0;
        }

        long value = 0;
        foreach (byte digit in target.Slice(prefix.Length, target.Length - prefix.Length - 1))
        {
            if (digit < (byte)'0' || digit > (byte)'9' || value > (long.MaxValue - 9) / 10)
            {
                return 0;
            }

            value = (value * 10) + (digit - '0');
        }

        return value;
    }
}
