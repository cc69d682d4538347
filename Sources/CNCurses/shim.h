#ifndef CLIENTELE_CNCURSES_SHIM_H
#define CLIENTELE_CNCURSES_SHIM_H

/* Without these two, <ncurses.h> leaves out the wide-character API (get_wch, cchar_t, add_wch). */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <wchar.h>
#include <ncurses.h>

/* stdscr, LINES and COLS are mutable C globals, which Swift 6 rejects as not concurrency-safe; the console reads
   them only from its single UI thread, through these functions. The A_* attributes and getmaxyx are macros. */
static inline WINDOW *clientele_stdscr(void) { return stdscr; }
static inline int clientele_lines(void) { return LINES; }
static inline int clientele_cols(void) { return COLS; }
static inline int clientele_colors(void) { return COLORS; }
static inline int clientele_color_pairs(void) { return COLOR_PAIRS; }

static inline void clientele_getmaxyx(WINDOW *window, int *rows, int *cols) {
    int y, x;
    getmaxyx(window, y, x);
    *rows = y;
    *cols = x;
}

static inline attr_t clientele_a_normal(void) { return A_NORMAL; }
static inline attr_t clientele_a_bold(void) { return A_BOLD; }
static inline attr_t clientele_a_dim(void) { return A_DIM; }
static inline attr_t clientele_a_underline(void) { return A_UNDERLINE; }
static inline attr_t clientele_a_reverse(void) { return A_REVERSE; }
static inline attr_t clientele_a_italic(void) { return A_ITALIC; }

static inline int clientele_key_code_yes(void) { return KEY_CODE_YES; }

/* Draws one grapheme (up to a few code points) with attributes and a colour pair at (y, x). */
static inline int clientele_put_cell(int y, int x, const wchar_t *text, attr_t attributes, short pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attributes, pair, NULL) == ERR) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}

static inline int clientele_use_locale(void) { return setlocale(LC_ALL, "") != NULL; }

#endif
