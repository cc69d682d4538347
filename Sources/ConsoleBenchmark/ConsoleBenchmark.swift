import ClienteleCore
import ClienteleTUI
import Foundation

/// Measures the console in-process with its real update and render code, for scripts/bench. Figures are
/// milliseconds except `peak_rss_mb` and counts. Its own executable, so none of this ships in `clientele`.
enum ConsoleBenchmark {
    static let frameSize = Size(width: 200, height: 60)

    static func run(registry: Registry, adapters: any IdentityProviderAdapters, writer: ChangeToScreen.Writer)
        async throws -> [String: Double]
    {
        var results: [String: Double] = [:]

        // First frame: what the console does before its first draw — header counts and the first page by name.
        let started = DispatchTime.now()
        var state = AppState(size: frameSize, now: registry.clock.now, readonly: true, registryPath: registry.path)
        let idps = try registry.identityProviders()
        let environments = try registry.environments()
        let counts = try registry.consoleCounts()
        state.header = HeaderInfo(registryPath: registry.path, identityProviders: idps.map(\.name),
                                  environments: environments.map(\.name), clients: counts.clients,
                                  secretsInService: counts.secretsInService, openRotations: counts.openRotations)
        let firstRows = try registry.consoleClientRows(limit: Layout.tableRows(frameSize))
        _ = ConsoleUpdate.update(&state, .clientsLoaded(
            ClientIndex(rows: firstRows, identityProviders: idps, environments: environments, complete: false)))
        var frame = ConsoleRender.render(state)
        results["first_frame_ms"] = milliseconds(since: started)
        results["rss_after_first_frame_mb"] = residentMegabytes()
        precondition(frame.size == frameSize)

        // The whole list, loaded in the background after the first frame.
        let loadStarted = DispatchTime.now()
        let rows = try registry.consoleClientRows()
        results["full_load_query_ms"] = milliseconds(since: loadStarted)
        results["rss_after_load_query_mb"] = residentMegabytes()
        let indexStarted = DispatchTime.now()
        let index = ClientIndex(rows: rows, identityProviders: idps, environments: environments, complete: true)
        results["index_build_ms"] = milliseconds(since: indexStarted)
        _ = ConsoleUpdate.update(&state, .clientsLoaded(index))
        results["full_load_ms"] = milliseconds(since: loadStarted)
        results["clients"] = Double(index.count)
        results["rss_after_index_mb"] = residentMegabytes()

        // Full-frame render of the clients screen.
        var renders: [Double] = []
        for _ in 0..<30 {
            let t = DispatchTime.now()
            frame = ConsoleRender.render(state)
            renders.append(milliseconds(since: t))
        }
        results["render_200x60_p50_ms"] = percentile(renders, 0.5)
        results["render_200x60_max_ms"] = renders.max() ?? 0

        // Filter keystrokes: each is one update plus one render, as in the loop.
        var keystrokes: [Double] = []
        func press(_ key: KeyEvent) {
            let t = DispatchTime.now()
            _ = ConsoleUpdate.update(&state, .key(key))
            frame = ConsoleRender.render(state)
            keystrokes.append(milliseconds(since: t))
        }
        let queries = ["pay", "billing-api", "zzq", "ord svc", "e", "api", "4e", "tw", "acme-pay"]
        for query in queries {
            _ = ConsoleUpdate.update(&state, .key(.character("/")))
            for character in query { press(.character(character)) }
            for _ in query { press(.backspace) }
            _ = ConsoleUpdate.update(&state, .key(.escape))
        }
        results["filter_keystrokes"] = Double(keystrokes.count)
        results["filter_p50_ms"] = percentile(keystrokes, 0.5)
        results["filter_p99_ms"] = percentile(keystrokes, 0.99)
        results["filter_max_ms"] = keystrokes.max() ?? 0

        // Baseline: the filter anyone would write first — lowercase each row's fields and test `contains` — for
        // every prefix of the same queries, over the same rows.
        var naive: [Double] = []
        var naiveMatches = 0
        for query in queries {
            for length in 1...query.count {
                let needle = String(query.prefix(length)).lowercased()
                let t = DispatchTime.now()
                for row in rows where row.displayName.lowercased().contains(needle)
                    || row.clientId.lowercased().contains(needle) || (row.ownerTeam?.lowercased().contains(needle) ?? false)
                {
                    naiveMatches += 1
                }
                naive.append(milliseconds(since: t))
            }
        }
        results["baseline_naive_filter_p50_ms"] = percentile(naive, 0.5)
        // Reported, so the baseline's work is used and cannot be optimised away.
        results["baseline_naive_filter_matches"] = Double(naiveMatches)

        // Scrolling: a page down through the list.
        var scrolls: [Double] = []
        for _ in 0..<50 {
            let t = DispatchTime.now()
            _ = ConsoleUpdate.update(&state, .key(.pageDown))
            frame = ConsoleRender.render(state)
            scrolls.append(milliseconds(since: t))
        }
        results["page_down_p99_ms"] = percentile(scrolls, 0.99)

        let sortStarted = DispatchTime.now()
        for _ in ClientSort.allCases { _ = ConsoleUpdate.update(&state, .key(.character("s"))) }
        results["sort_cycle_all_columns_ms"] = milliseconds(since: sortStarted)

        results["peak_rss_mb"] = peakResidentMegabytes()

        // Another process changed the registry: the console loads a new index while it still shows the old one.
        let reloadStarted = DispatchTime.now()
        let reloaded = ClientIndex(rows: try registry.consoleClientRows(), identityProviders: idps,
                                   environments: environments, complete: true)
        _ = ConsoleUpdate.update(&state, .clientsLoaded(reloaded))
        frame = ConsoleRender.render(state)
        results["reload_ms"] = milliseconds(since: reloadStarted)
        results["peak_rss_with_reload_mb"] = peakResidentMegabytes()
        // The registry is memory-mapped (PRAGMA mmap_size), so RSS includes file pages the kernel can drop at
        // will; the anonymous part is what the console itself holds.
        results["rss_anon_mb"] = procStatusMegabytes("RssAnon:")
        results["rss_file_mb"] = procStatusMegabytes("RssFile:")
        _ = frame

        // Another process changes one row; the figure is its commit to the frame that shows it, through the whole
        // running console (the full reload above is the baseline it replaces).
        let changes = try ChangeToScreen.measure(registry: registry, adapters: adapters, writer: writer, samples: 15)
        results["change_to_screen_p50_ms"] = percentile(changes, 0.5)
        results["change_to_screen_max_ms"] = changes.max() ?? 0
        return results
    }

    static func milliseconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    /// VmHWM from /proc: the process's peak resident set, in MB.
    static func peakResidentMegabytes() -> Double { procStatusMegabytes("VmHWM:") }

    /// VmRSS from /proc: the resident set now, in MB.
    static func residentMegabytes() -> Double { procStatusMegabytes("VmRSS:") }

    static func procStatusMegabytes(_ field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) })
        else { return 0 }
        let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kilobytes / 1024
    }
}
