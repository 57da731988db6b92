using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace RingIpc;

/// <summary>
/// A named lock between processes that the operating system releases when its holder dies: <c>flock</c>
/// on a lock file beside the section on Linux and macOS, a named <see cref="Mutex"/> on Windows (where an
/// abandoned mutex is taken over). Dispose to release it.
/// </summary>
internal abstract class SharedMutex : IDisposable
{
    /// <summary>Takes the lock <paramref name="role"/> of ring <paramref name="ringName"/> if it is free.</summary>
    /// <returns>The held lock, or <c>null</c> if another holder has it.</returns>
    public static SharedMutex? TryAcquire(string ringName, string role, SectionAccess access)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
#pragma warning disable CA1416 // guarded by the OS check above
            return WindowsMutex.TryLock(ringName, role);
#pragma warning restore CA1416
        }

        return FlockMutex.TryLock(ringName, role, access);
    }

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/> for its holder to release it.</summary>
    /// <exception cref="TimeoutException">The lock was not released in time.</exception>
    public static SharedMutex Acquire(string ringName, string role, SectionAccess access, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            SharedMutex? mutex = TryAcquire(ringName, role, access);
            if (mutex is not null)
            {
                return mutex;
            }

            if (clock.Elapsed >= timeout)
            {
                throw new TimeoutException($"The {role} lock of ring '{ringName}' was not released within {timeout}.");
            }

            Thread.Sleep(1);
        }
    }

    /// <summary>Whether the previous holder died holding the lock (Windows reports it; flock cannot tell).
    /// Whatever it guarded may be half-updated: re-validate it.</summary>
    public bool WasAbandoned { get; protected set; }

    /// <summary>Removes the lock file while the lock is still held, if the path still names it (call just
    /// before <see cref="Dispose"/>, once the ring it guards was deleted, so that nothing of the ring outlives
    /// it). Nothing to remove for a named mutex.</summary>
    public virtual void RemoveLockFile()
    {
    }

    public abstract void Dispose();
}
