namespace RingIpc;

/// <summary>
/// An exclusive endpoint role of a ring (consumer; producer of an SPSC ring): the role's named lock
/// (<see cref="SharedMutex"/>), plus the holder's pid recorded in the header's liveness area so that a
/// refused endpoint can say who holds it (the consumer's with its process start time, so that tooling can tell a
/// dead holder from a pid reused by another process).
/// </summary>
internal sealed class RoleLock
{
    private readonly SharedMutex _mutex;
    private readonly SharedInt32 _pid;
    private readonly SharedSection _section;
    private bool _released;

    private RoleLock(SharedMutex mutex, SharedInt32 pid, SharedInt64? startTime, SharedSection section)
    {
        _mutex = mutex;
        _pid = pid;
        _section = section;
        startTime?.StoreRelease(ProcessIdentity.Current.StartTime); // before the pid: a reader checks the pid around it
        pid.StoreRelease(CurrentProcess.Id);
    }

    /// <exception cref="RingRoleException">Another endpoint holds the role.</exception>
    /// <param name="ring">The ring.</param>
    /// <param name="role">"consumer" or "producer".</param>
    /// <param name="pid">The header word that records the holder's pid.</param>
    /// <param name="startTime">The header word that records the holder's process start time, if the role has one.</param>
    public static RoleLock Take(SharedRing ring, string role, SharedInt32 pid, SharedInt64? startTime = null)
    {
        SharedMutex? mutex = SharedMutex.TryAcquire(ring.Name, role, ring.Access);
        if (mutex is null)
        {
            throw new RingRoleException(ring.Name, role, pid.LoadAcquire());
        }

        if (mutex.WasAbandoned)
        {
            try
            {
                // The previous holder died holding the role: make sure it left a valid ring behind.
                ring.Header.Validate(ring.Section.Length);
            }
            catch
            {
                mutex.Dispose();
                throw;
            }
        }

        return new RoleLock(mutex, pid, startTime, ring.Section);
    }

    public void Dispose()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        _pid.StoreRelease(0); // the releasing endpoint still holds the mapping
        if (!_section.IsPublished)
        {
            _mutex.RemoveLockFile(); // the ring was deleted meanwhile (its Delete skipped this locked file)
        }

        _mutex.Dispose();
    }
}
