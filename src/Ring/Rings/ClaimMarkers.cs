namespace RingIpc;

/// <summary>
/// Who claimed a record, and when a claim may be revoked: the claim-marker and revocation policy.
/// </summary>
/// <remarks>
/// An uncommitted claim's type field is the marker <c>-(slot + 2)</c> of the claiming producer's registry slot
/// (<see cref="EndpointRegistry"/>; always below <see cref="RecordLayout.PaddingType"/>). If that producer's
/// process dies before it commits (gone, a zombie, or its pid reused: <see cref="ProcessLiveness"/>), a consumer
/// that would otherwise wait on the claim swaps the header to padding with one compare-and-swap from the exact
/// claimed header. A late commit needs the same header, so it fails instead of landing: a live producer can never
/// be half-revoked. A slot is only reused once the consumer has passed every reservation of its previous owner, so
/// a marker never names the wrong process.
/// </remarks>
internal static class ClaimMarkers
{
    /// <summary>The type field of an uncommitted claim of the producer in registry slot <paramref name="slot"/>.</summary>
    public static int MarkerOf(int slot) => -(slot + 2);

    /// <summary>The registry slot named by a claim's type field (which is below <see cref="RecordLayout.PaddingType"/>).</summary>
    public static int SlotOf(int type) => -type - 2;

    /// <summary>Revokes <paramref name="claim"/> if its producer's process is dead: turns it into padding.</summary>
    /// <param name="claim">A record the cursor found <see cref="RecordState.Claimed"/>.</param>
    /// <param name="cursor">The cursor that found it, to validate and reach its header.</param>
    /// <param name="registry">The ring's endpoint registry.</param>
    /// <returns>Whether it was revoked (<c>false</c>: its producer lives, or the claim changed meanwhile).</returns>
    /// <exception cref="RingFormatException">The claimed length or the marker is impossible.</exception>
    public static bool TryRevoke(in Record claim, in RecordCursor cursor, in EndpointRegistry registry)
    {
        int length = cursor.ValidateClaimedLength(claim);
        int slot = SlotOf(claim.Type);
        if ((uint)slot >= EndpointRegistry.SlotCount)
        {
            throw new RingFormatException("claim marker", $"{claim.Type} at position {claim.Position}",
                $"{MarkerOf(0)} to {MarkerOf(EndpointRegistry.SlotCount - 1)} (a registry slot)");
        }

        EndpointSlot owner = registry[slot];
        bool dead = !owner.TryReadOwner(out _, out _) || owner.IsHeldByDeadProcess(); // a free slot holds no claim
        return dead && cursor.HeaderAt(claim.Position).CompareAndSwap(claim.Header, RecordLayout.Header(length, RecordLayout.PaddingType));
    }
}
