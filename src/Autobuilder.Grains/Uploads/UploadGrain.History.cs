namespace Autobuilder.Grains.Uploads;

public sealed partial class UploadGrain
{
    /// <summary>
    /// Keeps the history within Autobuilder:UploadMemory:HistoryLimit (an upload retried or dep-waiting
    /// for months must not grow without end): the first transition (how it came) stays, then one line
    /// saying how many were cut and when the cut ends, then the newest.
    /// </summary>
    private void CapHistory()
    {
        var limit = _options.UploadMemory.HistoryLimit;
        if (S.History.Count <= limit)
            return;
        var hasMarker = S.HistoryCut > 0;
        // Kept: [0] the first, [1] the marker (when there is one), then the newest limit - 2.
        var start = hasMarker ? 2 : 1;
        // Without a marker one more goes, to make room for it.
        var cut = S.History.Count - limit + (hasMarker ? 0 : 1);
        cut = Math.Min(cut, S.History.Count - start);
        if (cut <= 0)
            return;
        var lastCut = S.History[start + cut - 1];
        S.History.RemoveRange(start, cut);
        S.HistoryCut += cut;
        var marker = new UploadTransition(lastCut.At, lastCut.From, lastCut.To,
            $"{S.HistoryCut} earlier transition(s) cut (Autobuilder:UploadMemory:HistoryLimit {limit}); the history goes on from here");
        if (hasMarker)
            S.History[1] = marker;
        else
            S.History.Insert(1, marker);
    }
}
