// Draws every chart of the page (elements marked data-chart) with vega-embed, from the
// Vega-Lite spec the server put beside it in a JSON script element. The page is complete
// without this: each chart has a text description and a data table in the HTML.
// Charts are drawn when they come near the screen, so a dashboard with dozens of
// sparklines draws only those the reader sees. It runs under the site's
// Content-Security-Policy (script-src and style-src 'self', no 'unsafe-eval'): vega
// evaluates expressions with the interpreter vega-embed carries (ast: true) instead of
// compiling them with Function(), and neither vega-embed nor its tooltips add a <style>
// element (their few rules are in reports/charts.css).
(() => {
  if (typeof window.vegaEmbed !== "function") {
    return;
  }

  // A chart in a page takes the full width of the content (the server's spec has the
  // fixed width of a PDF page) and no title of its own: the figure's caption names it,
  // once. A subtitle that explains the marks (the box plot's) stays, above the plot.
  function fitToPage(spec) {
    spec.width = "container";
    // A width that follows the container needs a height in pixels: with a height in
    // steps per bar ("discrete"), vega-lite drops the fit it was asked for and says so
    // in the console. The same steps, counted here (one band per name on the y axis).
    if (spec.height && typeof spec.height === "object" && spec.height.step) {
      spec.height = spec.height.step * Math.max(bandCount(spec), 1);
    }
    const title = spec.title;
    if (title && typeof title === "object" && title.subtitle) {
      spec.title = {
        text: title.subtitle,
        anchor: "start",
        offset: title.offset,
        fontSize: 12,
        fontWeight: "normal",
      };
    } else {
      delete spec.title;
    }
  }

  // The distinct values of the field on the chart's discrete y axis, in its data.
  function bandCount(spec) {
    const values = (spec.data && spec.data.values) || [];
    for (const layer of spec.layer || [spec]) {
      const y = (layer.encoding && layer.encoding.y) || {};
      if (!layer.data && y.field && (y.type === "nominal" || y.type === "ordinal")) {
        return new Set(values.map((row) => row[y.field])).size;
      }
    }
    return values.length;
  }

  // Whether any row of the chart's data has a number to draw (a box plot's rows name
  // their periods even when no period has statistics).
  function hasValues(spec) {
    const values = (spec.data && spec.data.values) || [];
    return values.some((row) =>
      Object.values(row).some((value) => typeof value === "number" && Number.isFinite(value)),
    );
  }

  function draw(element) {
    const data = element.querySelector('script[type="application/json"]');
    const canvas = element.querySelector(".chart-canvas");
    if (!data || !canvas || element.dataset.chartDrawn) {
      return;
    }
    const payload = JSON.parse(data.textContent);
    const spec = payload.spec;
    if (element.classList.contains("sparkline")) {
      // A line without a single value: nothing to draw (vega would only warn about the
      // empty scales); the description beside it says "No values."
      const values = (spec.data && spec.data.values) || [];
      if (!values.some((row) => row.value !== null && row.value !== undefined)) {
        element.dataset.chartDrawn = "empty";
        return;
      }
    } else if (!hasValues(spec)) {
      // No unit with a value: an empty frame of axes would pass for content (and vega
      // would warn about the empty scales); the caption says there is nothing to show.
      element.dataset.chartDrawn = "empty";
      return;
    } else {
      fitToPage(spec);
    }
    element.dataset.chartDrawn = "pending";
    window
      .vegaEmbed(canvas, spec, {
        renderer: "svg",
        actions: false,
        ast: true,
        defaultStyle: false,
        tooltip: { disableDefaultStyle: true },
        formatLocale: payload.formatLocale,
      })
      .then(() => {
        element.dataset.chartDrawn = "yes";
      })
      .catch((error) => {
        element.dataset.chartDrawn = "failed";
        console.error("Chart could not be drawn", error);
      });
  }

  const charts = document.querySelectorAll("[data-chart]");
  if (!("IntersectionObserver" in window)) {
    charts.forEach(draw);
    return;
  }
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          draw(entry.target);
        }
      }
    },
    { rootMargin: "200px" },
  );
  charts.forEach((chart) => observer.observe(chart));
})();
