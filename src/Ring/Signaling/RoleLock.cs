using RingIpc.Rings;

namespace RingIpc.Signaling;

/// <summary>
/// An exclusive endpoint role of a ring (consumer; producer of an SPSC ring): the role's
/// <see cref="SharedMutex"/>, plus the holder's pid recorded in the header's liveness area so that a
/// refused endpoint can say who holds it.
/// </summary>
internal sealed unsafe class RoleLock
{
    private readonly SharedRing _ring;
    private readonly SharedMutex _mutex;
    private readonly int* _pid;
    private bool _released;

    private RoleLock(SharedRing ring, SharedMutex mutex, int* pid)
    {
        _ring = ring;
        _mutex = mutex;
        _pid = pid;
        Atomics.StoreRelease(pid, RingHeader.CurrentProcessId());
    }

    /// <exception cref="RingRoleException">Another endpoint holds the role.</exception>
    public static RoleLock Take(SharedRing ring, string role, int pidOffset)
    {
        int* pid = (int*)(ring.Header + pidOffset);
        SharedMutex? mutex = SharedMutex.TryAcquire(ring.Name, role, ring.Access);
        if (mutex is null)
        {
            throw new RingRoleException(ring.Name, role, Atomics.LoadAcquire(pid));
        }

        if (mutex.WasAbandoned)
        {
            try
            {
                // The previous holder died holding the role: make sure it left a valid ring behind.
                RingHeader.Validate(ring.Header, ring.Section.Length);
            }
            catch
            {
                mutex.Dispose();
                throw;
            }
        }

        return new RoleLock(ring, mutex, pid);
    }

    public void Dispose()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        if (!_ring.IsDisposed)
        {
            Atomics.StoreRelease(_pid, 0);
        }

        _mutex.Dispose();
    }
}
