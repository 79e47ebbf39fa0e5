/**
 * The Element Timing API's attribute, which React passes to the DOM but its types do not list: the
 * queue benchmark reads when the first thumbnails were painted from it.
 */
import 'react';

declare module 'react' {
  interface ImgHTMLAttributes<T> extends HTMLAttributes<T> {
    elementtiming?: string;
  }
}
